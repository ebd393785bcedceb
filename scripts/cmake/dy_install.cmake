# dy_install.cmake — the installable library (included by the top CMakeLists.txt after the
# backends): libdarkyield.so (soname from the version; only the DY_API functions of
# include/darkyield/ exported, its dependencies linked privately so a consumer's link line holds
# -ldarkyield alone) and libdarkyield.a (the same objects; dependencies in its interface), the
# CMake package darkyield (darkyield::darkyield, and darkyield::darkyield_static with COMPONENTS
# static), darkyield.pc, the command line and its plot scripts.  docs/api.md, README.md.
include(CMakePackageConfigHelpers)

# 0.x: every minor version may change the ABI, so the soname carries it (libdarkyield.so.0.2).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(DY_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
else()
  set(DY_SOVERSION ${PROJECT_VERSION_MAJOR})
endif()

set(DY_LIB_OBJECTS $<TARGET_OBJECTS:darkyield_engine> $<TARGET_OBJECTS:darkyield_lib>)
set(DY_PUBLIC_INCLUDES
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include> $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/include>
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include/darkyield>
    $<BUILD_INTERFACE:${CMAKE_BINARY_DIR}/include/darkyield>
    $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/kernels> $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)

add_library(darkyield_shared SHARED ${DY_LIB_OBJECTS})
set_target_properties(darkyield_shared PROPERTIES OUTPUT_NAME darkyield EXPORT_NAME darkyield
                      LINKER_LANGUAGE C VERSION ${PROJECT_VERSION} SOVERSION ${DY_SOVERSION})
target_include_directories(darkyield_shared INTERFACE ${DY_PUBLIC_INCLUDES})
target_link_libraries(darkyield_shared PRIVATE ${DY_LINK_DEPS})
# static archives linked in (the CUDA runtime, the kernels) export nothing; no undefined symbol
# (except under the sanitizers: clang leaves a shared library's ASan runtime to the executable)
target_link_options(darkyield_shared PRIVATE -Wl,--exclude-libs,ALL)
if(NOT DARKYIELD_SANITIZE)
  target_link_options(darkyield_shared PRIVATE -Wl,--no-undefined)
endif()
if(DY_HAVE_CUDA)
  target_link_libraries(darkyield_shared PRIVATE dy_cuda_kernels)
  list(APPEND DY_LIB_OBJECTS $<TARGET_OBJECTS:dy_cuda_kernels>)
endif()

add_library(darkyield_static STATIC ${DY_LIB_OBJECTS})
set_target_properties(darkyield_static PROPERTIES OUTPUT_NAME darkyield
                      EXPORT_NAME darkyield_static LINKER_LANGUAGE C)
target_include_directories(darkyield_static INTERFACE ${DY_PUBLIC_INCLUDES})
foreach(dep ${DY_LINK_DEPS})
  target_link_libraries(darkyield_static INTERFACE $<INSTALL_INTERFACE:${dep}>)
endforeach()
add_library(darkyield::darkyield ALIAS darkyield_shared)
add_library(darkyield::darkyield_static ALIAS darkyield_static)

# ---- install ---------------------------------------------------------------------------------
set(DY_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/darkyield)
install(TARGETS darkyield RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS darkyield_shared EXPORT darkyieldTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS darkyield_static EXPORT darkyieldStaticTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
file(GLOB DY_PUBLIC_HEADERS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/include/darkyield/*.h)
# dy_integrate.h's integrand and histogram structs are the kernels' (same layout on every target)
install(FILES ${DY_PUBLIC_HEADERS} ${CMAKE_BINARY_DIR}/include/darkyield/dy_version.h
              ${CMAKE_SOURCE_DIR}/kernels/dy_types.h ${CMAKE_SOURCE_DIR}/kernels/dy_portable.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/darkyield)
install(FILES ${CMAKE_SOURCE_DIR}/scripts/plot_yields.py ${CMAKE_SOURCE_DIR}/scripts/plot_limits.py
              ${CMAKE_SOURCE_DIR}/scripts/dy_plotting.py
        DESTINATION ${CMAKE_INSTALL_DATADIR}/darkyield/scripts)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/darkyield/configs
        FILES_MATCHING PATTERN "*.yaml")
install(DIRECTORY ${CMAKE_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        FILES_MATCHING PATTERN "*.c" PATTERN "CMakeLists.txt" PATTERN "Makefile")

install(EXPORT darkyieldTargets NAMESPACE darkyield:: DESTINATION ${DY_CMAKE_DIR})
install(EXPORT darkyieldStaticTargets NAMESPACE darkyield:: DESTINATION ${DY_CMAKE_DIR})
set(DY_HAVE_OPENMP_ ${DY_HAVE_OPENMP})
set(DY_HAVE_MPI_ ${DY_HAVE_MPI})
set(DY_HAVE_OPENCL_ ${DY_HAVE_OPENCL})
set(DY_HAVE_CUDA_ ${DY_HAVE_CUDA})
configure_package_config_file(${CMAKE_SOURCE_DIR}/scripts/cmake/darkyieldConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/darkyieldConfig.cmake
                              INSTALL_DESTINATION ${DY_CMAKE_DIR})
# 0.x: only the same minor version is compatible
write_basic_package_version_file(${CMAKE_BINARY_DIR}/darkyieldConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/darkyieldConfig.cmake
              ${CMAKE_BINARY_DIR}/darkyieldConfigVersion.cmake DESTINATION ${DY_CMAKE_DIR})

# pkg-config: prefix found from the .pc file's place, so `cmake --install --prefix P` works
file(RELATIVE_PATH DY_PC_UP /_p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /_p)
string(REGEX REPLACE "/$" "" DY_PC_UP "${DY_PC_UP}")
list(JOIN DY_PC_REQUIRES " " DY_PC_REQUIRES_STR)
# hdf5.pc names only libhdf5; the high-level library (dimension scales) sits beside it
set(DY_PC_LIBS_PRIVATE "-lhdf5_hl -lm")
if(DY_HAVE_OPENMP)
  string(APPEND DY_PC_LIBS_PRIVATE " ${OpenMP_C_FLAGS}")
endif()
if(DY_HAVE_CUDA)
  string(APPEND DY_PC_LIBS_PRIVATE
         " -L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -lstdc++ -ldl -lrt -lpthread")
endif()
configure_file(${CMAKE_SOURCE_DIR}/scripts/cmake/darkyield.pc.in ${CMAKE_BINARY_DIR}/darkyield.pc
               @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/darkyield.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
