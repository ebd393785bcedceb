/* dy.h — the darkyield public C API (umbrella header; docs/api.md). */
#ifndef DY_H
#define DY_H
#include "dy_version.h"
#include "dy_status.h"
#include "dy_engine.h"
#include "dy_integrate.h"
#include "dy_xsec.h"
#include "dy_yields.h"
#include "dy_limits.h"
#include "dy_materials.h"
#endif
