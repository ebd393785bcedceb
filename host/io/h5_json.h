/* h5_json.h — an HDF5 file image as JSON (h5_json.c), so a caller without an HDF5 reader (the
 * Python package) sees exactly what h5py shows of the file: every group and dataset with its
 * attributes, dataset values, and each axis's label and dimension scales. */
#ifndef DY_H5_JSON_H
#define DY_H5_JSON_H
#include <stddef.h>
#include "darkyield/dy_status.h"

/* The file image img[0..len) as one JSON object (malloc'ed into *out):
 *   node   = {"kind": "group", "attrs": {...}, "members": {name: node, ...}}
 *          | {"kind": "dataset", "attrs": {...}, "value": value,
 *             "dims": [{"label": str, "scales": ["/path", ...]}, ...]}
 *   value  = {"dtype": "float64" | "int32" | "uint64" | ... | "str", "shape": [...],
 *             "data": [flat, row-major]}  (a string: "data": "text", "shape": [])
 * Members and attributes in name order; the dimension-scale bookkeeping attributes (CLASS, NAME,
 * DIMENSION_LIST, REFERENCE_LIST, DIMENSION_LABELS) are left out, "dims" says what they encode.
 * Doubles are written with 17 digits (exact), NaN and infinities as NaN, Infinity, -Infinity. */
dy_status dy_h5_image_json(const void *img, size_t len, char **out, dy_error *err);
#endif
