/* cmd_merge.c — `darkyield merge PARTS... [-o OUT]`: combine the part files of a sharded run
 * (`darkyield run CONFIG --shard I/N`) into the outputs a single run writes, after checking that
 * they come from one configuration and version and that no shard is missing or repeated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "jobs/shard.h"

int dy_cmd_merge(int argc, char **argv);

static void help(void)
{
    printf(
        "usage: darkyield merge PART.dyp... [-o DIR | -o FILE.h5]\n\n"
        "Combines the part files written by 'darkyield run CONFIG --shard I/N' (one per shard,\n"
        "any order) into <DIR>/<name>.h5, <name>.csv and <name>_integrated.csv — the files a\n"
        "single run writes, with bit-identical datasets.  Default DIR: the config's output.dir.\n"
        "Refuses parts of different configurations or versions, missing or repeated shards.\n");
}

int dy_cmd_merge(int argc, char **argv)
{
    const char *out = NULL;
    const char **parts = calloc((size_t)argc + 1, sizeof *parts);
    int n = 0, rc = 0;
    if (!parts) return 1;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            help();
            free(parts);
            return 0;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i >= argc) {
                free(parts);
                return dy_cli_usage_error("merge", "-o needs a directory or a .h5 file");
            }
            out = argv[i];
        } else if (argv[i][0] == '-') {
            free(parts);
            return dy_cli_usage_error("merge", "unknown option '%s'", argv[i]);
        } else {
            parts[n++] = argv[i];
        }
    }
    if (n == 0) {
        free(parts);
        return dy_cli_usage_error("merge", "no part files given");
    }
    dy_merge_result mr;
    dy_error err;
    if (dy_merge_parts(parts, n, out, 1, &mr, &err) != DY_OK) {
        rc = dy_cli_fail(&err);
    } else {
        printf("merged %d part(s), %d grid point(s), %.1f s of computing\n", mr.n_parts,
               mr.n_points, mr.wall_seconds);
        if (mr.h5[0]) printf("wrote %s\n", mr.h5);
        if (mr.csv[0]) printf("wrote %s\n", mr.csv);
    }
    free(parts);
    return rc;
}
