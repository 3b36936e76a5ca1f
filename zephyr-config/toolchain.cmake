# Included by every Zephyr application of this repository before find_package(Zephyr).
#
# Zephyr v4.1's gnuarmemb toolchain files declare neither picolibc nor thread-local storage,
# though the GNU Arm toolchains (and Debian's arm-none-eabi-gcc with picolibc-arm-none-eabi)
# ship both. Without this, a C++ application falls back to the toolchain's newlib (no
# retargetable locking) and picolibc's thread-local errno links as an orphan .tbss section.
# The Kconfig half (TOOLCHAIN_SUPPORTS_THREAD_LOCAL_STORAGE) is in modules/tinyml/Kconfig.
if("$ENV{ZEPHYR_TOOLCHAIN_VARIANT}" STREQUAL "gnuarmemb" OR ZEPHYR_TOOLCHAIN_VARIANT STREQUAL "gnuarmemb")
  set(TOOLCHAIN_HAS_PICOLIBC ON CACHE BOOL "The GNU Arm toolchain ships picolibc")
endif()
