/* The pipeline blob under test (FEATURES_BLOB is set by the Makefile). */
	.section .rodata.rig_blob, "a"
	.balign 4
	.global rig_blob
rig_blob:
	.incbin FEATURES_BLOB
rig_blob_end:
	.balign 4
	.global rig_blob_len
rig_blob_len:
	.word rig_blob_end - rig_blob
