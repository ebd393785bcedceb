/* dy_api.h — DY_API marks the functions libdarkyield exports; everything else in the library is
 * hidden (built with -fvisibility=hidden). */
#ifndef DY_API_H
#define DY_API_H
#if defined(__GNUC__) || defined(__clang__)
#define DY_API __attribute__((visibility("default")))
#else
#define DY_API
#endif
#endif
