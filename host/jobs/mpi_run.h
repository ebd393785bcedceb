/* mpi_run.h — `mpirun -np N darkyield run CONFIG`: rank 0 schedules grid points over ranks
 * 1..N-1 (a dynamic work queue, largest estimated cost first, or static blocks for comparison),
 * commits their results to the checkpoint and writes the outputs; each worker binds to one device
 * (CUDA: the node-local worker index selects DARKYIELD_CUDA_DEVICE; cpu: OpenMP threads = the
 * cores of the node shared among its workers).  With one rank the run is the single-process one.
 * MPI is initialised only when built with it (DY_HAVE_MPI) and started by an MPI launcher. */
#ifndef DY_MPI_RUN_H
#define DY_MPI_RUN_H
#include "jobs/grid_run.h"

typedef struct dy_mpi {
    int active;     /* MPI_Init was called */
    int rank, size; /* 0/1 without MPI */
    int local_rank, local_size;
    int worker_index, node_workers; /* node-local index and count of the ranks > 0 */
} dy_mpi;

/* 1 when the environment says an MPI launcher started us (mpirun/mpiexec/srun). */
int dy_mpi_launched(void);
/* Initialise MPI when built with it and launched by mpirun; otherwise a 1-rank stand-in. */
dy_status dy_mpi_start(dy_mpi *m, int *argc, char ***argv, dy_error *err);
/* Finalise (ok), or abort the whole job (a failure on this rank the others cannot see). */
void dy_mpi_end(dy_mpi *m, int abort_job);

typedef struct dy_mpi_outcome {
    char backend[16], device[128]; /* reported by worker rank 1 */
    int workers;
} dy_mpi_outcome;

/* Run the shard's missing points over the ranks (size >= 2).  Rank 0: prepares the checkpoint
 * (*ck, as dy_grid_prepare), schedules, commits, returns with every point of the shard done
 * (DY_OK), DY_ERR_INTERRUPTED when *o->stop was set, or the first worker's error.  Workers return
 * DY_OK when rank 0 releases them (their *err is set on their own failures). */
dy_status dy_mpi_exec(const dy_mpi *m, dy_run *r, const char *backend, const dy_grid_opts *o,
                      dy_ckpt *ck, dy_mpi_outcome *out, dy_error *err);
#endif
