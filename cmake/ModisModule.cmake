# ModisModule.cmake: modis_add_module(), the helper that builds a modis module (.so), in the source tree and from the installed SDK.
#
#   modis_add_module(<name> SOURCES <file>...
#                    [LIBRARIES <lib>...]
#                    [OUTPUT_DIRECTORY <dir>]
#                    [INSTALL_DESTINATION <dir> | NO_INSTALL])
#
# Builds <name>.so (no "lib" prefix) from SOURCES with hidden visibility, so the
# module exports nothing but its entry point (MODIS_MODULE_DEFINE marks that one
# symbol visible), and with modis/module.h on the include path. LIBRARIES are
# linked privately. The module lands in OUTPUT_DIRECTORY, else in the build
# tree's module directory (MODIS_MODULE_OUTPUT_DIR, set by the modis build), else
# in the current binary directory.
#
# `cmake --install` puts it in INSTALL_DESTINATION, by default
# ${CMAKE_INSTALL_LIBDIR}/modis/modules relative to the install prefix: the
# directory where an installed modis-server looks for modules given by name.
# NO_INSTALL skips the install rule.
#
# The modis build includes this file from its source tree; the installed SDK's
# modis-config.cmake includes the installed copy after setting MODIS_INCLUDE_DIR.

include_guard(GLOBAL)
include(GNUInstallDirs)

if(NOT DEFINED MODIS_INCLUDE_DIR)
  # In the source tree: cmake/../include.
  get_filename_component(MODIS_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
endif()
if(NOT EXISTS "${MODIS_INCLUDE_DIR}/modis/module.h")
  message(FATAL_ERROR "modis: modis/module.h not found under MODIS_INCLUDE_DIR=${MODIS_INCLUDE_DIR}")
endif()

function(modis_add_module name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY;INSTALL_DESTINATION"
                        "SOURCES;LIBRARIES" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "modis_add_module(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "modis_add_module(${name}): SOURCES is required")
  endif()
  if(ARG_NO_INSTALL AND ARG_INSTALL_DESTINATION)
    message(FATAL_ERROR "modis_add_module(${name}): NO_INSTALL and INSTALL_DESTINATION exclude each other")
  endif()

  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    SUFFIX ".so"
    OUTPUT_NAME ${name}
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(${name} PRIVATE ${MODIS_INCLUDE_DIR})

  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED MODIS_MODULE_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${MODIS_MODULE_OUTPUT_DIR})
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  endif()
  set_property(GLOBAL APPEND PROPERTY MODIS_MODULE_TARGETS ${name})

  if(NOT ARG_NO_INSTALL)
    if(ARG_INSTALL_DESTINATION)
      set(_dest ${ARG_INSTALL_DESTINATION})
    else()
      # Relative, so that `cmake --install <build> --prefix P` lands under P.
      set(_dest ${CMAKE_INSTALL_LIBDIR}/modis/modules)
    endif()
    install(TARGETS ${name} LIBRARY DESTINATION ${_dest})
  endif()
endfunction()
