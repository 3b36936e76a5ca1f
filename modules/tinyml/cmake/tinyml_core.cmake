# Source lists of the portable core and its non-Zephyr ports, for builds outside Zephyr
# (host tests, the desktop replay library, the bare-metal Cortex-M4F image, fuzzers).
# A new file in core/ or a port folder is picked up without editing this list.

get_filename_component(TINYML_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(TINYML_INCLUDE_DIR "${TINYML_MODULE_DIR}/include")

file(GLOB TINYML_CORE_SOURCES CONFIGURE_DEPENDS "${TINYML_MODULE_DIR}/core/*.c")
file(GLOB TINYML_HOST_PORT_SOURCES CONFIGURE_DEPENDS "${TINYML_MODULE_DIR}/ports/host/*.c")
file(GLOB TINYML_M4F_PORT_SOURCES CONFIGURE_DEPENDS
     "${TINYML_MODULE_DIR}/ports/cortex_m4f/*.c"
     "${TINYML_MODULE_DIR}/ports/cortex_m4f/*.S")
set(TINYML_M4F_PORT_DIR "${TINYML_MODULE_DIR}/ports/cortex_m4f")
set(TINYML_M4F_LINKER_SCRIPT "${TINYML_M4F_PORT_DIR}/link.ld")

set(TINYML_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wpointer-arith -Wundef)
