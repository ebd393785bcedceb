# dy_embed_kernel.cmake — cmake -P script: turn the preprocessed OpenCL program (INPUT) into a C
# file (OUTPUT) defining `const char dy_opencl_src[]`, one string literal per line (the idea of
# OpenMM's EncodeKernelFiles.cmake and FFmpeg's cl2c, emitting C).
file(READ "${INPUT}" src)
string(REPLACE "\\" "\\\\" src "${src}")
string(REPLACE "\"" "\\\"" src "${src}")
string(REPLACE "\n" "\\n\"\n\"" src "${src}")
file(WRITE "${OUTPUT}.tmp"
     "/* Generated from kernels/opencl/dy_kernels.cl by dy_embed_kernel.cmake: do not edit. */\n"
     "const char dy_opencl_src[] =\n\"${src}\";\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
