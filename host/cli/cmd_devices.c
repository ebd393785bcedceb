/* cmd_devices.c — `darkyield devices`: every backend compiled in, whether it is usable here and
 * why not, and its devices (fp64, compute units, memory). */
#include <stdio.h>
#include <string.h>
#include "cli.h"

int dy_cmd_devices(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: darkyield devices\n\nLists the compiled-in backends (cuda, opencl, cpu), "
               "whether each is usable here, and their devices.\nThe automatic choice is the "
               "first usable one in that order; DARKYIELD_BACKEND or --backend override it.\n");
        return 0;
    }
    if (argc > 1) return dy_cli_usage_error("devices", "unexpected argument '%s'", argv[1]);
    for (int i = 0; i < dy_backend_count(); ++i) {
        dy_error err;
        char buf[4096] = "";
        const int ok = dy_backend_probe(i, &err) == DY_OK;
        printf("%s: %s\n", dy_backend_name(i), ok ? "available" : err.msg);
        dy_backend_describe(i, buf, sizeof buf);
        fputs(buf, stdout);
    }
    return 0;
}
