/* Symbol-table edge cases for memreport. */
	.syntax unified
	.thumb

	.section .text.edge_entry, "ax", %progbits
	.global edge_entry
	.thumb_func
	.type edge_entry, %function
edge_entry:                     /* Thumb: the symbol's value has bit 0 set */
	push {r4, lr}
	bl edge_helper
	ldr r0, =edge_outer
	pop {r4, pc}
	.ltorg
	.size edge_entry, . - edge_entry

	.global edge_zero_label     /* a zero-size label inside the code */
	.type edge_zero_label, %function
edge_zero_label:
	.thumb_func
	.type edge_helper, %function
edge_helper:
	nop
	nop
	bx lr
	.size edge_helper, . - edge_helper
	.size edge_zero_label, 0

	.section .rodata.edge_table, "a", %progbits
	.global edge_outer
	.type edge_outer, %object
	.global edge_alias
	.type edge_alias, %object
edge_outer:                     /* edge_alias names the same 16 bytes */
edge_alias:
	.word 1
	.global edge_inner          /* a symbol inside edge_outer */
	.type edge_inner, %object
edge_inner:
	.word 2, 3
	.size edge_inner, 8
	.word 4
	.size edge_outer, 16
	.size edge_alias, 16

	.section .ovl_a, "aw", %progbits
	.global overlay_a_table
	.type overlay_a_table, %object
overlay_a_table:
	.fill 64, 1, 0xa5
	.size overlay_a_table, 64

	.section .ovl_b, "aw", %progbits
	.global overlay_b_table
	.type overlay_b_table, %object
overlay_b_table:
	.fill 96, 1, 0x5b
	.size overlay_b_table, 96
