# modis_add_module(<name> SOURCES <files...>)
# Builds <name>.so: a module that includes only modis/module.h, exports only its
# entry point (hidden visibility for everything else) and lands in the module
# directory of the build tree.
function(modis_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    C_VISIBILITY_PRESET hidden
    LIBRARY_OUTPUT_DIRECTORY ${MODIS_MODULE_OUTPUT_DIR})
  if(TARGET modis_core)
    target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/include)
  endif()
  if(ARG_LIBRARIES)
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES})
  endif()
  set_property(GLOBAL APPEND PROPERTY MODIS_MODULE_TARGETS ${name})
  if(DEFINED MODIS_MODULE_DIR_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${MODIS_MODULE_DIR_INSTALL})
  endif()
endfunction()
