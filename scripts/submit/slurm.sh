#!/bin/bash
# slurm.sh — example Slurm submission of a darkyield grid (docs/distributed.md).  Two ways:
#  1. a job array of independent shards (any cluster, no MPI):   sbatch scripts/submit/slurm.sh CONFIG
#     then, when all tasks are done:   darkyield merge out/NAME/NAME.part-*-of-8.dyp
#  2. one MPI job over several GPU nodes:   MODE=mpi sbatch --nodes=2 scripts/submit/slurm.sh CONFIG
#     (rank 0 schedules, one rank per GPU computes: ntasks-per-node = GPUs per node + 1 on node 1).
# Requeued or preempted tasks continue where they stopped: --resume uses the task's checkpoint.
#SBATCH --job-name=darkyield
#SBATCH --array=0-7
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=8
#SBATCH --gpus-per-task=1
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --signal=B:TERM@120
#SBATCH --output=darkyield-%A_%a.log
set -euo pipefail
CONFIG=${1:?usage: sbatch slurm.sh CONFIG.yaml}
DARKYIELD=${DARKYIELD:-darkyield}
if [ "${MODE:-array}" = mpi ]; then
  # one rank per GPU plus the scheduler; each worker picks GPU = its node-local worker index
  exec srun --mpi=pmix "$DARKYIELD" run "$CONFIG" --resume --no-plots
fi
N=${SLURM_ARRAY_TASK_COUNT:-8}
I=${SLURM_ARRAY_TASK_ID:?not a job array task}
export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
# SIGTERM (sent 120 s before the time limit, or on preemption) finishes the current group of
# grid points and saves the checkpoint; the requeued task resumes from it.
"$DARKYIELD" run "$CONFIG" --shard "$I/$N" --resume --no-plots &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM
rc=0
wait "$child" || rc=$?
if [ "$rc" -gt 128 ] && kill -0 "$child" 2>/dev/null; then # the trap fired: let it save
  rc=0
  wait "$child" || rc=$?
fi
exit "$rc"
