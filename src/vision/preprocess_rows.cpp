// The row kernels of preprocess() (preprocess_rows.hpp). The blend is contiguous and the
// compiler vectorizes it; the resample gathers at per-column offsets and stays scalar.
#include "vision/preprocess_rows.hpp"

namespace hone::vision {

void blend_rows_u8_f32(const uint8_t* top, const uint8_t* bottom, float weight, int count, float* out) {
  if (weight == 0.f) {
    for (int i = 0; i < count; ++i) out[i] = static_cast<float>(top[i]);
    return;
  }
  for (int i = 0; i < count; ++i) {
    const float a = static_cast<float>(top[i]);
    out[i] = a + weight * (static_cast<float>(bottom[i]) - a);
  }
}

namespace {

template <int Step>
void resample(const float* row, const ResampleRow& job) {
  float* __restrict out0 = job.out[0];
  float* __restrict out1 = job.out[1];
  float* __restrict out2 = job.out[2];
  const float m0 = job.mean[0], m1 = job.mean[1], m2 = job.mean[2];
  const float s0 = job.inv_std[0], s1 = job.inv_std[1], s2 = job.inv_std[2];
  for (int x = 0; x < job.count; ++x) {
    const float* p = row + job.offsets[x];
    const float w = job.weights[x];
    const float v0 = p[0] + w * (p[3] - p[0]);
    const float v1 = p[1] + w * (p[4] - p[1]);
    const float v2 = p[2] + w * (p[5] - p[2]);
    out0[x * Step] = (v0 - m0) * s0;
    out1[x * Step] = (v1 - m1) * s1;
    out2[x * Step] = (v2 - m2) * s2;
  }
}

}  // namespace

void resample_row_f32(const float* row, const ResampleRow& job) {
  if (job.step == 1) {
    resample<1>(row, job);
  } else {
    resample<3>(row, job);
  }
}

}  // namespace hone::vision
