# HONE_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
# GCC 12 reports false maybe-uninitialized warnings inside libstdc++ (std::regex) under the
# sanitizers, so that warning is not an error in this build.
if(HONE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -Wno-error=maybe-uninitialized)
  add_link_options(-fsanitize=address,undefined)
endif()
