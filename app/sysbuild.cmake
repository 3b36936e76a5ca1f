# MCUboot must see the application's slot0/slot1 layout, so hand it the board's partition file
# (boards/partitions/<normalized board target>.dtsi) as an extra devicetree overlay. A single
# sysbuild/mcuboot.overlay could not differ per board.
set(tinyml_partitions ${APP_DIR}/boards/partitions/${NORMALIZED_BOARD_TARGET}.dtsi)
if(SB_CONFIG_BOOTLOADER_MCUBOOT)
  if(NOT EXISTS ${tinyml_partitions})
    message(FATAL_ERROR "tinyml: no partition layout for ${BOARD}/${BOARD_QUALIFIERS} "
                        "(expected ${tinyml_partitions})")
  endif()
  set(mcuboot_EXTRA_DTC_OVERLAY_FILE ${tinyml_partitions} CACHE INTERNAL
      "tinyml partition layout for MCUboot")
endif()

# A release build must not sign its firmware with a development key (docs/keys.md).
if(SB_CONFIG_BOOTLOADER_MCUBOOT AND NOT SB_CONFIG_TINYML_ALLOW_DEVELOPMENT_KEYS
   AND "${SB_CONFIG_BOOT_SIGNATURE_KEY_FILE}" MATCHES "DO-NOT-SHIP")
  message(FATAL_ERROR "tinyml: SB_CONFIG_BOOT_SIGNATURE_KEY_FILE is a development key "
                      "(${SB_CONFIG_BOOT_SIGNATURE_KEY_FILE}); give the release your own firmware key")
endif()
