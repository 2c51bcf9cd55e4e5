# Install rules and the CMake package: `cmake --install build --prefix P` puts the headers, the
# static libraries pmbench_metrics / pmbench_core (and pmbench_autoencoder when built with
# LibTorch), the `pmbench` binary and lib/cmake/pmbench/, so that a consumer does
#
#   find_package(pmbench 0.1 REQUIRED)                      # or COMPONENTS metrics: Eigen only
#   target_link_libraries(app PRIVATE pmbench::metrics)     # or pmbench::core
#
# Included from the top-level CMakeLists.txt when PMBENCH_INSTALL is on.
include(CMakePackageConfigHelpers)

set(PMBENCH_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/pmbench"
    CACHE STRING "Where `cmake --install` puts pmbenchConfig.cmake (relative to the prefix)")

set(PMBENCH_EXPORTED_TARGETS pmbench_metrics pmbench_core)
set(PMBENCH_EXPORTED_HEADER_DIRS ${PROJECT_SOURCE_DIR}/metrics/include/ ${PROJECT_SOURCE_DIR}/libbench/include/)
set(PMBENCH_EXPORT_AUTOENCODER OFF)
if(TARGET pmbench_autoencoder)
  set(PMBENCH_EXPORT_AUTOENCODER ON)
  list(APPEND PMBENCH_EXPORTED_TARGETS pmbench_autoencoder)
  list(APPEND PMBENCH_EXPORTED_HEADER_DIRS ${PROJECT_SOURCE_DIR}/autoencoder/include/)
endif()

# The static libraries link HDF5 privately, so their exported interface carries HDF5's libraries:
# this machine's absolute paths. Installed, those become the target pmbench::_hdf5 that
# pmbenchConfig.cmake defines from the consumer's own find_package(HDF5).
find_package(HDF5 REQUIRED COMPONENTS C)
function(pmbench_export_hdf5_by_target target)
  get_target_property(items ${target} INTERFACE_LINK_LIBRARIES)
  if(NOT items)
    return()
  endif()
  set(rewritten "")
  set(found OFF)
  foreach(item IN LISTS items)
    set(is_hdf5 OFF)
    foreach(lib IN LISTS HDF5_C_LIBRARIES)
      if(item STREQUAL lib OR item STREQUAL "$<LINK_ONLY:${lib}>")
        set(is_hdf5 ON)
      endif()
    endforeach()
    if(is_hdf5)
      list(APPEND rewritten "$<BUILD_INTERFACE:${item}>")
      set(found ON)
    else()
      list(APPEND rewritten "${item}")
    endif()
  endforeach()
  if(found)
    list(APPEND rewritten "$<LINK_ONLY:$<INSTALL_INTERFACE:pmbench::_hdf5>>")
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES "${rewritten}")
  endif()
endfunction()
foreach(target IN LISTS PMBENCH_EXPORTED_TARGETS)
  pmbench_export_hdf5_by_target(${target})
endforeach()

install(TARGETS ${PMBENCH_EXPORTED_TARGETS}
        EXPORT pmbenchTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT devel
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PMBENCH_EXPORTED_HEADER_DIRS}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT devel
        FILES_MATCHING PATTERN "*.hpp")
install(EXPORT pmbenchTargets
        NAMESPACE pmbench::
        DESTINATION ${PMBENCH_INSTALL_CMAKEDIR} COMPONENT devel)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/pmbenchConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/cmake/pmbenchConfig.cmake
                              INSTALL_DESTINATION ${PMBENCH_INSTALL_CMAKEDIR})
# 0.x: minor versions may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/pmbenchConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/pmbenchConfig.cmake ${PROJECT_BINARY_DIR}/cmake/pmbenchConfigVersion.cmake
        DESTINATION ${PMBENCH_INSTALL_CMAKEDIR} COMPONENT devel)
