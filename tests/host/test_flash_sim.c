#include <errno.h>
#include <string.h>

#include "flash_fixture.h"
#include "ttest.h"

static struct flash_fixture fx;

TTEST(flash_sim, erase_sets_ff_and_counts)
{
	uint8_t buf[16];

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 4u, 0u), 0);
	memset(buf, 0x00, sizeof(buf));
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 256u, buf, sizeof(buf)), 0);
	TT_ASSERT_EQ(fx.mem[256], 0x00);
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 256u, 256u), 0);
	TT_ASSERT_EQ(fx.mem[256], 0xFF);
	TT_ASSERT_EQ(fx.erases[1], 1u);
	TT_ASSERT_EQ(fx.erases[0], 0u);
	TT_ASSERT_EQ(tinyml_flash_sim_max_erases(&fx.area), 1u);
}

TTEST(flash_sim, program_only_clears_bits)
{
	uint8_t a[8] = {0xF0, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0};
	uint8_t b[8] = {0x0F, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0, 0xF0};
	uint8_t out[8];

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 2u, 0u), 0);
	fx.sim.program_erased_only = false;
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, a, 8u), 0);
	/* 0x0F over 0xF0 would set bits: refused, recorded, nothing changed */
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, b, 8u), -EIO);
	TT_ASSERT_EQ(fx.sim.bit_set_attempts, 1u);
	TT_ASSERT_EQ(tinyml_platform_flash_read(&fx.area, 0u, out, 8u), 0);
	TT_ASSERT_MEM_EQ(out, a, 8u);
	/* clearing more bits is allowed on plain NOR */
	memset(b, 0x10, sizeof(b));
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, b, 8u), 0);
	TT_ASSERT_EQ(fx.mem[0], 0x10);
	/* ... but not on ECC flash, where a written word cannot be written again */
	fx.sim.program_erased_only = true;
	memset(b, 0x00, sizeof(b));
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, b, 8u), -EIO);
	TT_ASSERT_EQ(fx.sim.bit_set_attempts, 2u);
}

TTEST(flash_sim, alignment_and_range)
{
	uint8_t buf[16] = {0};

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 2u, 0u), 0);
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 4u, buf, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, buf, 12u), -EINVAL);
	TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 512u, buf, 8u), -EINVAL);
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 128u, 256u), -EINVAL);
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 256u, 512u), -EINVAL);
	TT_ASSERT_EQ(tinyml_platform_flash_read(&fx.area, 500u, buf, 16u), -EINVAL);
	TT_ASSERT_EQ(fx.sim.misaligned, 5u);
}

TTEST(flash_sim, sector_wears_out)
{
	unsigned int i;

	TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 2u, 3u), 0);
	for (i = 0u; i < 3u; i++) {
		TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 0u, 256u), 0);
	}
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 0u, 256u), -EIO);
	TT_ASSERT_EQ(fx.sim.worn_erases, 1u);
	TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 256u, 256u), 0);
}

TTEST(flash_sim, power_cut_tears_program_and_stops_device)
{
	uint8_t data[64];
	uint8_t out[64];
	unsigned int seed;
	unsigned int partial = 0u;

	memset(data, 0x00, sizeof(data));
	for (seed = 0u; seed < 32u; seed++) {
		unsigned int cleared = 0u;
		unsigned int i;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 2u, 0u), 0);
		tinyml_flash_sim_cut_power(&fx.sim, 1u, seed);
		TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, data, 64u), 0);
		TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 64u, data, 64u), -EIO);
		TT_ASSERT(!fx.sim.powered);
		TT_ASSERT_EQ(fx.sim.cuts, 1u);
		/* dead until powered on again */
		TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 256u, 256u), -EIO);
		TT_ASSERT_EQ(fx.erases[1], 0u);
		tinyml_flash_sim_power_on(&fx.sim);
		TT_ASSERT_EQ(tinyml_platform_flash_read(&fx.area, 64u, out, 64u), 0);
		for (i = 0u; i < 64u; i++) {
			cleared += out[i] == 0x00 ? 1u : 0u;
		}
		partial += cleared > 0u && cleared < 64u ? 1u : 0u;
	}
	TT_ASSERT(partial > 16u); /* most cuts leave a prefix behind */
}

TTEST(flash_sim, power_cut_tears_erase)
{
	uint8_t zero[256];
	unsigned int seed;
	unsigned int left_dirty = 0u;

	memset(zero, 0x00, sizeof(zero));
	for (seed = 0u; seed < 16u; seed++) {
		unsigned int i;
		unsigned int ff = 0u;

		TT_ASSERT_EQ(fixture_init(&fx, 8u, 256u, 2u, 0u), 0);
		TT_ASSERT_EQ(tinyml_platform_flash_program(&fx.area, 0u, zero, 256u), 0);
		tinyml_flash_sim_cut_power(&fx.sim, 0u, seed);
		TT_ASSERT_EQ(tinyml_platform_flash_erase(&fx.area, 0u, 256u), -EIO);
		TT_ASSERT_EQ(fx.erases[0], 1u);
		for (i = 0u; i < 256u; i++) {
			ff += fx.mem[i] == 0xFF ? 1u : 0u;
		}
		left_dirty += ff < 256u ? 1u : 0u;
	}
	TT_ASSERT_EQ(left_dirty, 16u);
}
