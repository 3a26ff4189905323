// CUDA's vector types with the device alignment, so that reinterpret_cast'ing a float* to a
// float4* and struct layouts agree with nvcc's.
#pragma once

#define EMU_VEC2(T, name, align)                                       \
    struct __attribute__((aligned(align))) name { T x, y; };           \
    inline name make_##name(T x, T y) { return name{x, y}; }
#define EMU_VEC3(T, name)                                              \
    struct name { T x, y, z; };                                        \
    inline name make_##name(T x, T y, T z) { return name{x, y, z}; }
#define EMU_VEC4(T, name, align)                                       \
    struct __attribute__((aligned(align))) name { T x, y, z, w; };     \
    inline name make_##name(T x, T y, T z, T w) { return name{x, y, z, w}; }

EMU_VEC2(float, float2, 8)
EMU_VEC3(float, float3)
EMU_VEC4(float, float4, 16)
EMU_VEC2(int, int2, 8)
EMU_VEC3(int, int3)
EMU_VEC4(int, int4, 16)
EMU_VEC2(unsigned int, uint2, 8)
EMU_VEC3(unsigned int, uint3)
EMU_VEC4(unsigned int, uint4, 16)
EMU_VEC2(double, double2, 16)

#undef EMU_VEC2
#undef EMU_VEC3
#undef EMU_VEC4

struct dim3 {
    unsigned int x, y, z;
    constexpr dim3(unsigned int vx = 1, unsigned int vy = 1, unsigned int vz = 1) : x(vx), y(vy), z(vz) {}
    constexpr dim3(uint3 v) : x(v.x), y(v.y), z(v.z) {}
    constexpr operator uint3() const { return uint3{x, y, z}; }
};
