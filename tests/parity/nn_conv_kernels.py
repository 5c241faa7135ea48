"""Parity fixtures for the CPU convolution kernel paths: shapes chosen to reach each specialised kernel (direct
few-channel kernels, the channels-in-lanes forward and weight gradient) with odd sizes, row tails, strides, padding, dilation,
groups, kernel widths 1 to 8 and batches large enough to split over threads and over image groups. Output, input,
weight and bias gradients from PyTorch 1.13, float32 and float64 (the largest cases in float32 only; gradcheck on the small float64 cases).
"""
import torch
import torch.nn.functional as F

from fixture import Fixture, rand

f = Fixture("nn_conv_kernels")

for dt in (torch.float32, torch.float64):
    n = "f32" if dt == torch.float32 else "f64"
    tol = 1e-4 if dt == torch.float32 else None

    def r(*shape):
        return rand(*shape, dtype=dt)

    def conv(id, fn, inputs, kwargs, small=False, big=False, f32_tol=None):
        if big and dt == torch.float64:
            return
        op = "conv1d" if fn is F.conv1d else "conv2d"
        f.op(f"{id}/{n}", op, inputs, lambda *a: fn(*a, **kwargs), kwargs=kwargs, tol=f32_tol or tol if tol else tol,
             gradcheck=small and dt == torch.float64)

    # LeNet's second layer, a batch that splits over two threads unevenly
    conv("lenet2", F.conv2d, [r(9, 6, 14, 14), r(16, 6, 5, 5), r(16)], {}, big=True)
    conv("lenet2_small", F.conv2d, [r(2, 6, 8, 7), r(16, 6, 5, 5), r(16)], {}, small=True)
    # 13 and 14 output channels (lane tails), strides, padding, row dilation
    conv("o13_stride_dil", F.conv2d, [r(3, 3, 11, 10), r(13, 3, 3, 3), r(13)],
         {"stride": 2, "padding": 1, "dilation": [2, 1]}, small=True)
    conv("o14_groups", F.conv2d, [r(2, 4, 7, 7), r(28, 2, 3, 3), r(28)], {"groups": 2, "padding": 2}, small=True)
    conv("o32_pad", F.conv2d, [r(3, 5, 9, 9), r(32, 5, 3, 3)], {"padding": 1})
    conv("o24_stride_w", F.conv2d, [r(2, 3, 8, 13), r(24, 3, 2, 4), r(24)], {"stride": [1, 3], "padding": [0, 1]})
    # 8 and 7 output channels per group (256-bit lanes in float32), position tails past multiples of 8
    conv("og8_groups", F.conv2d, [r(3, 16, 9, 11), r(16, 8, 3, 3), r(16)], {"groups": 2, "padding": 1})
    conv("og7_groups_stride", F.conv2d, [r(2, 4, 7, 9), r(14, 2, 3, 3), r(14)], {"groups": 2, "stride": 2}, small=True)
    # channels-in-lanes forward: strided and dilated groups, two vectors of channels with unit and other strides
    conv("og8_groups_stride_dil", F.conv2d, [r(2, 8, 11, 13), r(16, 4, 3, 3), r(16)],
         {"groups": 2, "stride": 2, "padding": 1, "dilation": [1, 2]}, small=True)
    conv("o32_stride", F.conv2d, [r(2, 5, 9, 10), r(32, 5, 3, 3), r(32)], {"stride": 2})
    conv("o24_c17", F.conv2d, [r(2, 17, 6, 7), r(24, 17, 3, 3), r(24)], {"padding": 1})
    # weight gradient over several vectors of output channels (64; 40 per group with padding lanes)
    conv("o64_stride", F.conv2d, [r(2, 6, 9, 9), r(64, 6, 3, 3), r(64)], {"stride": 2, "padding": 1})
    conv("og40_groups", F.conv2d, [r(2, 6, 7, 8), r(80, 3, 3, 3)], {"groups": 2})
    # forward over several vectors of output channels at unit stride (pairs, and an odd vector count with padding lanes)
    conv("o64_unit", F.conv2d, [r(2, 5, 6, 7), r(64, 5, 3, 3), r(64)], {"padding": 1})
    conv("og40_c5_groups", F.conv2d, [r(2, 10, 6, 9), r(80, 5, 3, 3), r(80)], {"groups": 2, "dilation": [2, 1]})
    # channels in lanes with each output row cut into blocks (two vectors of channels per pass): rows of 31 (10, 10, 11;
    # the input gradient too, 17 channels in a padded pair of vectors), a row of exactly one block, and stride 2
    conv("lanes_rows_split", F.conv2d, [r(2, 17, 5, 31), r(64, 17, 3, 3), r(64)], {"padding": 1})
    conv("lanes_rows_14", F.conv2d, [r(2, 17, 3, 14), r(32, 17, 3, 3), r(32)], {"padding": 1})
    conv("lanes_rows_stride", F.conv2d, [r(2, 6, 7, 61), r(32, 6, 3, 3), r(32)], {"stride": 2, "padding": 1})
    # one vector of channels per pass (16, 17, 17 in float32), and three vectors (a pair, then one) on rows of 20
    conv("lanes_rows_one_vector", F.conv2d, [r(2, 16, 4, 50), r(32, 8, 3, 3), r(32)], {"groups": 2, "padding": 1})
    conv("lanes_rows_three_vectors", F.conv2d, [r(2, 10, 3, 20), r(80, 5, 3, 3), r(80)], {"groups": 2, "padding": 1})
    # kernel rows of 1, 7 and 8 taps
    conv("kw1", F.conv2d, [r(2, 3, 6, 5), r(16, 3, 3, 1), r(16)], {"padding": [1, 0]}, small=True)
    conv("kw7", F.conv2d, [r(3, 2, 5, 12), r(12, 2, 1, 7), r(12)], {"padding": [0, 3]})
    conv("kw8", F.conv2d, [r(2, 2, 6, 13), r(15, 2, 2, 8), r(15)], {"stride": [1, 3]})
    # large images: several groups of images per thread (each weight gradient sums 8112 products in float32: where they
    # cancel to about 1 its rounding reaches 2e-4, and their order depends on how many threads split the images)
    conv("groups_of_images", F.conv2d, [r(12, 2, 26, 26), r(16, 2, 3, 3), r(16)], {"padding": 1}, big=True, f32_tol=1e-3)
    # 1-D
    conv("conv1d_o14", F.conv1d, [r(3, 5, 17), r(14, 5, 6), r(14)], {"stride": 2, "padding": 1}, small=True)
    # small output planes with many channels (ResNet's later layers): whole-batch tiles, positions as GEMM rows;
    # strided with more channels than two vectors, unit stride with more taps than the lane kernels take, 1x1 strided
    conv("small_plane_o40_s2", F.conv2d, [r(5, 6, 9, 9), r(40, 6, 3, 3), r(40)], {"stride": 2, "padding": 1}, small=True)
    conv("small_plane_k1080", F.conv2d, [r(3, 120, 5, 6), r(20, 120, 3, 3), r(20)], {"padding": 1})
    conv("small_plane_1x1_s2", F.conv2d, [r(4, 24, 7, 7), r(48, 24, 1, 1)], {"stride": 2})
    # small planes whose input gradient is a forward convolution on whole-batch tiles (the flipped kernel written as
    # the GEMM's columns): 3x3 and 4x4 kernels over 136 input channels
    conv("small_plane_flipped_3x3", F.conv2d, [r(2, 136, 4, 5), r(24, 136, 3, 3), r(24)], {"padding": 1})
    conv("small_plane_flipped_4x4", F.conv2d, [r(2, 136, 6, 6), r(40, 136, 4, 4)], {"padding": 2}, big=True)
    # stride-2 im2col rows of two full vector blocks and a partial one
    conv("stride2_wide_rows", F.conv2d, [r(2, 3, 9, 71), r(40, 3, 3, 5), r(40)], {"stride": 2, "padding": [1, 2]})
    # stride-2 col2im rows (input gradients): full vector steps, then tails of 13 and 12 (both scatter vectors) and 8
    conv("stride2_col2im_tails", F.conv2d, [r(2, 8, 5, 57), r(24, 8, 3, 3), r(24)], {"stride": 2, "padding": 1})
    # strided layers on output planes of 256 positions or more (per-image im2col and col2im): odd and even input sizes,
    # stride 3 by rows with padding, padding as wide as the kernel, and 1-D stride 3
    conv("stride2_large_3x3", F.conv2d, [r(3, 20, 33, 34), r(12, 20, 3, 3), r(12)], {"stride": 2, "padding": 1})
    conv("stride3_large_5x4", F.conv2d, [r(2, 4, 40, 47), r(8, 4, 5, 4), r(8)], {"stride": [3, 2], "padding": [2, 1]})
    conv("stride2_large_pad2", F.conv2d, [r(2, 3, 40, 40), r(4, 3, 3, 3)], {"stride": 2, "padding": 2})
    conv("stride3_large_1d", F.conv1d, [r(2, 3, 900), r(5, 3, 4), r(5)], {"stride": 3, "padding": 1})
    conv("stride2_col2im_1x1", F.conv2d, [r(2, 8, 5, 47), r(24, 8, 1, 1)], {"stride": 2})
    # strided 1x1 input gradients written row by row: an even width (a full block and a tail of 12), groups, stride 3 by rows
    # and by columns
    conv("stride2_1x1_even", F.conv2d, [r(2, 16, 6, 56), r(24, 16, 1, 1), r(24)], {"stride": 2})
    conv("stride3_1x1_groups", F.conv2d, [r(2, 8, 7, 11), r(12, 4, 1, 1)], {"stride": [3, 2], "groups": 2})
    conv("stride3_1x1_columns", F.conv2d, [r(2, 6, 5, 13), r(10, 6, 1, 1)], {"stride": [2, 3]}, small=True)
    # strided 1x1 input gradients with positions as the GEMM's rows (input channels a multiple of 32): a partial last
    # row tile across images and an odd input height, a plane of 256+ positions, stride 3 by columns
    conv("spread_rows_small", F.conv2d, [r(3, 32, 13, 9), r(24, 32, 1, 1), r(24)], {"stride": 2})
    conv("spread_rows_large", F.conv2d, [r(1, 32, 32, 33), r(40, 32, 1, 1)], {"stride": 2})
    conv("spread_rows_stride3", F.conv2d, [r(2, 64, 7, 14), r(20, 64, 1, 1)], {"stride": [2, 3]})
    # column stride 2 input gradients gathered row by row (each input element written once): no padding and odd widths,
    # 5-wide kernels over two blocks of sixteen column pairs, row stride 1 with row dilation and an even kernel width,
    # row stride 3 with a 7-wide kernel, groups, planes of 256+ positions, whole-batch tiles, padding wider than the kernel
    conv("gather_pad0_odd", F.conv2d, [r(2, 5, 9, 13), r(6, 5, 3, 3), r(6)], {"stride": 2})
    conv("gather_k5_pad2", F.conv2d, [r(2, 4, 11, 40), r(8, 4, 5, 5)], {"stride": 2, "padding": 2})
    conv("gather_rows_s1_dil", F.conv2d, [r(2, 3, 8, 35), r(5, 3, 3, 4)], {"stride": [1, 2], "padding": [2, 1], "dilation": [2, 1]})
    conv("gather_rows_s3_k7", F.conv2d, [r(1, 2, 10, 50), r(4, 2, 4, 7)], {"stride": [3, 2], "padding": [1, 3]})
    conv("gather_groups", F.conv2d, [r(2, 8, 12, 18), r(8, 4, 3, 3), r(8)], {"stride": 2, "padding": 1, "groups": 2})
    conv("gather_large", F.conv2d, [r(2, 6, 40, 66), r(8, 6, 3, 3)], {"stride": 2, "padding": 1})
    conv("gather_small_planes", F.conv2d, [r(3, 5, 14, 15), r(7, 5, 3, 3)], {"stride": 2, "padding": 1})
    conv("gather_wide_pad", F.conv2d, [r(2, 3, 7, 20), r(4, 3, 3, 3)], {"stride": 2, "padding": 3})
    # few output channels, wide rows, and odd widths around the vector length
    conv("o6_wide", F.conv2d, [r(3, 2, 9, 37), r(6, 2, 3, 5), r(6)], {"padding": 1})
    conv("o10_w17", F.conv2d, [r(2, 7, 6, 21), r(10, 7, 3, 5), r(10)], {}, small=True)
    # images in vector lanes (a vector of images per thread): a partial last group, rows of 10 (blocks of 3, 3, 3, 1)
    # and 14 (input gradient: 4, 4, 4, 2), padding with dilation, and padding wider than the kernel (negative borders
    # in the input gradient)
    conv("images_lenet2", F.conv2d, [r(33, 6, 6, 14), r(16, 6, 5, 5), r(16)], {})
    conv("images_pad_dil", F.conv2d, [r(34, 2, 3, 12), r(13, 2, 3, 4), r(13)], {"padding": [2, 1], "dilation": [1, 2]})
    conv("images_wide_pad", F.conv2d, [r(33, 4, 3, 4), r(8, 4, 3, 3)], {"padding": 3})
    # channels in lanes with eight vectors of output channels (128 in float32): the forward, and an input gradient whose
    # flipped convolution has 128 output channels
    conv("lanes_o128", F.conv2d, [r(2, 20, 9, 13), r(128, 20, 3, 3), r(128)], {"padding": 1})
    conv("lanes_o128_flipped", F.conv2d, [r(2, 128, 6, 7), r(24, 128, 3, 3), r(24)], {"padding": 1})
    # strided channels in lanes over more than two vectors: 128 channels at stride 2, 48 (a pair, then one) at stride 3 by columns
    conv("lanes_stride_o128", F.conv2d, [r(2, 6, 9, 21), r(128, 6, 3, 3), r(128)], {"stride": 2, "padding": 1})
    conv("lanes_stride_o48", F.conv2d, [r(2, 5, 11, 30), r(48, 5, 3, 3), r(48)], {"stride": [2, 3], "padding": [0, 1]})

# Winograd F(2x2, 3x3) (3x3 kernels at unit stride with 32 or more input and output channels, float32 only; added after
# the loop above so that its cases keep their random inputs). The input gradients run as flipped convolutions there too.
# Odd output sizes (a last tile half outside), panels of 14 output channels with a tail, padding 0, 1, 2 and by rows
# only, rows of more than 16 and 32 tiles, one output row, and a batch of several 32-tile panels split over threads.
def winograd(id, inputs, kwargs):
    f.op(f"winograd_{id}/f32", "conv2d", inputs, lambda *a: F.conv2d(*a, **kwargs), kwargs=kwargs, tol=1e-4)


winograd("pad1_odd", [rand(3, 32, 9, 11), rand(33, 32, 3, 3), rand(33)], {"padding": 1})
winograd("pad0", [rand(2, 40, 8, 13), rand(36, 40, 3, 3), rand(36)], {})
winograd("pad2", [rand(2, 34, 6, 7), rand(48, 34, 3, 3)], {"padding": 2})
winograd("pad_rows_wide", [rand(1, 32, 5, 70), rand(32, 32, 3, 3), rand(32)], {"padding": [0, 1]})
winograd("one_row", [rand(2, 35, 3, 6), rand(32, 35, 3, 3), rand(32)], {})
winograd("blocks", [rand(5, 32, 17, 18), rand(32, 32, 3, 3), rand(32)], {"padding": 1})

# Its stride-2 forward (25-element tiles), taken where the tiles overhang an odd output plane little enough: even
# output sizes with padding 0, 1, 2 and by columns only, a 13 x 14 output (a last tile row half outside, and 33 output
# channels: a panel tail), rows of more than 16 tiles, and a batch of several 32-tile blocks split over threads.
winograd("s2_pad1", [rand(2, 32, 16, 12), rand(32, 32, 3, 3), rand(32)], {"stride": 2, "padding": 1})
winograd("s2_pad0", [rand(2, 40, 17, 21), rand(36, 40, 3, 3), rand(36)], {"stride": 2})
winograd("s2_pad2", [rand(2, 34, 10, 10), rand(48, 34, 3, 3)], {"stride": 2, "padding": 2})
winograd("s2_pad_cols", [rand(1, 32, 9, 20), rand(32, 32, 3, 3), rand(32)], {"stride": 2, "padding": [0, 1]})
winograd("s2_13x14", [rand(1, 33, 26, 28), rand(33, 33, 3, 3), rand(33)], {"stride": 2, "padding": 1})
winograd("s2_wide", [rand(1, 32, 12, 80), rand(32, 32, 3, 3), rand(32)], {"stride": 2, "padding": 1})
winograd("s2_blocks", [rand(4, 32, 24, 24), rand(32, 32, 3, 3), rand(32)], {"stride": 2, "padding": 1})

f.save()
