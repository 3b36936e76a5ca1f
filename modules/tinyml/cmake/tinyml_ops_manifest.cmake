# Generates the operator manifest table (C) and the TFLM op resolver (C++) from
# modules/tinyml/ops_manifest.yaml at build time, and appends the table to TINYML_CORE_SOURCES.
#   TINYML_PYTHON               python with the tools' dependencies (default: the repo's .venv,
#                               else PYTHON_EXECUTABLE as set by Zephyr)
#   TINYML_OPS_MANIFEST         manifest file (default: the module's ops_manifest.yaml)
# Sets TINYML_OPS_MANIFEST_GEN_DIR (add it to the include path for tinyml_op_resolver.hpp)
# and TINYML_OPS_MANIFEST_SOURCES.

get_filename_component(_tinyml_repo "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TINYML_PYTHON)
  if(EXISTS "${_tinyml_repo}/.venv/bin/python")
    set(TINYML_PYTHON "${_tinyml_repo}/.venv/bin/python")
  else()
    set(TINYML_PYTHON "${PYTHON_EXECUTABLE}")
  endif()
endif()
if(NOT TINYML_OPS_MANIFEST)
  set(TINYML_OPS_MANIFEST "${_tinyml_repo}/modules/tinyml/ops_manifest.yaml")
endif()

set(TINYML_OPS_MANIFEST_GEN_DIR "${CMAKE_BINARY_DIR}/tinyml_generated")
set(TINYML_OPS_MANIFEST_SOURCES "${TINYML_OPS_MANIFEST_GEN_DIR}/tinyml_ops_manifest.c")
set(_tinyml_tools "${_tinyml_repo}/scripts/west_commands")
file(GLOB _tinyml_codegen_deps
     "${_tinyml_tools}/tinyml_tools/modelpack/codegen.py"
     "${_tinyml_tools}/tinyml_tools/modelpack/manifest.py"
     "${_tinyml_tools}/tinyml_tools/modelpack/templates/*.j2")

add_custom_command(
  OUTPUT ${TINYML_OPS_MANIFEST_SOURCES} "${TINYML_OPS_MANIFEST_GEN_DIR}/tinyml_op_resolver.hpp"
  COMMAND ${CMAKE_COMMAND} -E env "PYTHONPATH=${_tinyml_tools}"
          ${TINYML_PYTHON} -m tinyml_tools.modelpack.codegen
          --manifest ${TINYML_OPS_MANIFEST} --out-dir ${TINYML_OPS_MANIFEST_GEN_DIR}
  DEPENDS ${TINYML_OPS_MANIFEST} ${_tinyml_codegen_deps}
  COMMENT "Generating the operator manifest table and op resolver"
  VERBATIM)

list(APPEND TINYML_CORE_SOURCES ${TINYML_OPS_MANIFEST_SOURCES})
