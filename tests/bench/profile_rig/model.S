/* The model under test, linked in 16-byte aligned (RIG_MODEL_PATH is set by the Makefile). */
	.section .rodata.rig_model, "a"
	.balign 16
	.global rig_model
rig_model:
	.incbin RIG_MODEL_PATH
rig_model_end:
	.balign 4
	.global rig_model_len
rig_model_len:
	.word rig_model_end - rig_model
