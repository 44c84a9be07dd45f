# Finds libclang 19's C API (Debian: libclang-19-dev) and defines the
# imported target Libclang::Libclang.
find_path(LIBCLANG_INCLUDE_DIR clang-c/Index.h
  HINTS /usr/lib/llvm-19/include /usr/local/opt/llvm@19/include)
find_library(LIBCLANG_LIBRARY NAMES clang-19 clang
  HINTS /usr/lib/llvm-19/lib /usr/local/opt/llvm@19/lib)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libclang DEFAULT_MSG LIBCLANG_LIBRARY LIBCLANG_INCLUDE_DIR)
if(Libclang_FOUND AND NOT TARGET Libclang::Libclang)
  add_library(Libclang::Libclang UNKNOWN IMPORTED)
  set_target_properties(Libclang::Libclang PROPERTIES
    IMPORTED_LOCATION "${LIBCLANG_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBCLANG_INCLUDE_DIR}")
endif()
