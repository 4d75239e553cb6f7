# HONE_SANITIZE=ON builds everything with AddressSanitizer + UndefinedBehaviorSanitizer.
if(HONE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
