# Build type "Asan": AddressSanitizer + UndefinedBehaviorSanitizer, used by `make test` for the
# unit tests. Halting on the first UB report makes a sanitizer finding fail the test.
set(CMAKE_CXX_FLAGS_ASAN "-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"
    CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_ASAN "-fsanitize=address,undefined" CACHE STRING "" FORCE)

# Build type "Tsan": ThreadSanitizer, for the unit tests whose threads are all ours (page store,
# socket servers, journal, state machine, client): `make test` runs them. The Raft, gRPC and Ceph
# paths run in libraries built without it, where TSan reports what it cannot see; they are left out.
set(CMAKE_CXX_FLAGS_TSAN "-O1 -g -fno-omit-frame-pointer -fsanitize=thread" CACHE STRING "" FORCE)
set(CMAKE_EXE_LINKER_FLAGS_TSAN "-fsanitize=thread" CACHE STRING "" FORCE)
