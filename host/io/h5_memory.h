/* h5_memory.h — the name given to HDF5 files that live in memory only (core driver, no backing
 * store: writers build the file there and write its image themselves; the reader opens an
 * image read from a checked regular file).  The core driver opens a file of that name on disk
 * when it exists, so the name is one that can never exist: /dev/null is not a directory. */
#ifndef DY_H5_MEMORY_H
#define DY_H5_MEMORY_H
#define DY_H5_MEMORY_NAME "/dev/null/darkyield-memory-image.h5"
#endif
