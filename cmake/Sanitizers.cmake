# Build type "Asan": AddressSanitizer + UndefinedBehaviorSanitizer, used by `make test` for the
# unit tests. Halting on the first UB report makes a sanitizer finding fail the test.
set(CMAKE_CXX_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
    CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined" CACHE STRING "" FORCE)
