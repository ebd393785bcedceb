/* dy.h — the darkyield public C API (umbrella header). */
#ifndef DY_H
#define DY_H
#define DY_VERSION "0.1.0"
#include "dy_engine.h"
#include "dy_integrate.h"
#include "dy_status.h"
#endif
