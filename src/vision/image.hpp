// Checks shared by the functions that read a caller's ImageView (write_image, preprocess).
#pragma once

#include "hone/status.hpp"
#include "hone/vision.hpp"

namespace hone::vision {

/// InvalidArgument when `image` has no pixels, a null data pointer, or a stride shorter than
/// width * 3 bytes; `what` names the argument in the message ("image", "the image to write").
Status check_image_view(const ImageView& image, const char* what = "image");

}  // namespace hone::vision
