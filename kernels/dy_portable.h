/* dy_portable.h — the one portability layer for device code.
 * Every header under kernels/ is valid C17, OpenCL C 1.2 and CUDA C++ through these macros.
 * Target detection order follows Random123's compilerfeatures.h: OpenCL, then CUDA, then host C. */
#ifndef DY_PORTABLE_H
#define DY_PORTABLE_H

#if defined(__OPENCL_VERSION__)
#define DY_TARGET_OPENCL 1
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef uint dy_u32;
typedef int dy_i32;
typedef ulong dy_u64;
#define DY_DEVICE        static inline
#define DY_KERNEL        __kernel
#define DY_GLOBAL        __global
#define DY_RESTRICT      restrict
#define DY_GLOBAL_ID()   ((dy_u64)get_global_id(0))
#define DY_GLOBAL_SIZE() ((dy_u64)get_global_size(0))
#define DY_STATIC_ASSERT(c, m)

#elif defined(__CUDACC__)
#define DY_TARGET_CUDA 1
typedef unsigned int dy_u32;
typedef int dy_i32;
typedef unsigned long long dy_u64;
#define DY_DEVICE      static __device__ __forceinline__
#define DY_KERNEL      extern "C" __global__
#define DY_GLOBAL
#define DY_RESTRICT            __restrict__
#define DY_GLOBAL_ID()         ((dy_u64)blockIdx.x * blockDim.x + threadIdx.x)
#define DY_GLOBAL_SIZE()       ((dy_u64)blockDim.x * gridDim.x)
#define DY_STATIC_ASSERT(c, m) static_assert(c, m)

#else
#define DY_TARGET_C 1
#include <math.h>
#include <stdint.h>
typedef uint32_t dy_u32;
typedef int32_t dy_i32;
typedef uint64_t dy_u64;
#define DY_DEVICE static inline
#define DY_GLOBAL
#define DY_RESTRICT            restrict
#define DY_STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif

/* A process's parameters, read where they are: CUDA and C take the global pointer; OpenCL C 1.2
 * has no generic address space, so physics code (which takes private pointers) gets a copy. */
#if defined(DY_TARGET_OPENCL)
#define DY_PARAMS_AT(name, gptr)                                                                   \
    dy_params name##_copy_ = *(gptr);                                                              \
    const dy_params *name = &name##_copy_
#else
#define DY_PARAMS_AT(name, gptr) const dy_params *name = (gptr)
#endif

/* Math: the double-precision builtins share their C names on all three targets. */
#define DY_SQRT(x)     sqrt(x)
#define DY_EXP(x)      exp(x)
#define DY_EXPM1(x)    expm1(x)
#define DY_LOG(x)      log(x)
#define DY_LOG1P(x)    log1p(x)
#define DY_POW(x, y)   pow(x, y)
#define DY_FABS(x)     fabs(x)
#define DY_SIN(x)      sin(x)
#define DY_COS(x)      cos(x)
#define DY_ATAN(x)     atan(x)
#define DY_FMIN(x, y)  fmin(x, y)
#define DY_FMAX(x, y)  fmax(x, y)
#define DY_FLOOR(x)    floor(x)
#define DY_ISFINITE(x) isfinite(x)

/* Constants are literals: strict C17 has no M_PI. */
#define DY_PI     3.14159265358979323846
#define DY_TWO_PI 6.28318530717958647692

#endif
