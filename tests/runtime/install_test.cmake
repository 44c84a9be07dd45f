# Installs the build into a temporary prefix, then builds install/consumer.c
# with find_package(vtask) and with pkg-config (shared and --static), and
# runs each.  Run with -DBUILD=<build dir> -DSRC=<this dir> -DWORK=<scratch>
# -DCC=<compiler> [-DSAN=<sanitizer flags the library was built with>].
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()


set(prefix ${WORK}/prefix)
file(REMOVE_RECURSE ${WORK})
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${prefix})
file(GLOB libdirs ${prefix}/lib ${prefix}/lib64 ${prefix}/lib/*-linux-gnu)
foreach(f include/vtask.h)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "missing ${f}")
  endif()
endforeach()
find_file(pc vtask.pc PATHS ${libdirs} PATH_SUFFIXES pkgconfig NO_DEFAULT_PATH)
find_library(so NAMES libvtask.so.0 PATHS ${libdirs} NO_DEFAULT_PATH)
find_library(ar NAMES libvtask.a PATHS ${libdirs} NO_DEFAULT_PATH)
if(NOT pc OR NOT so OR NOT ar)
  message(FATAL_ERROR "missing vtask.pc, libvtask.so.0 or libvtask.a: ${pc} ${so} ${ar}")
endif()
get_filename_component(libdir ${ar} DIRECTORY)
set(prefix_libs ${libdir})

# find_package(vtask) + vtask::vtask
run(${CMAKE_COMMAND} -S ${SRC}/install -B ${WORK}/cm -DCMAKE_PREFIX_PATH=${prefix}
    -DCMAKE_C_COMPILER=${CC} "-DCMAKE_C_FLAGS=${SAN}" "-DCMAKE_EXE_LINKER_FLAGS=${SAN}")
run(${CMAKE_COMMAND} --build ${WORK}/cm)
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${WORK}/cm/consumer)
if(NOT out STREQUAL "vtask consumer ok\n")
  message(FATAL_ERROR "cmake consumer printed '${out}'")
endif()

# pkg-config, shared and static
get_filename_component(pcdir ${pc} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pcdir})
run(pkg-config --cflags --libs vtask)
string(STRIP "${out}" flags)
separate_arguments(flags)
run(${CC} ${SAN} ${SRC}/install/consumer.c ${flags} -o ${WORK}/pc_shared)
run(pkg-config --static --cflags --libs vtask)
string(STRIP "${out}" sflags)
if(NOT sflags MATCHES "-lpthread")
  message(FATAL_ERROR "pkg-config --static lacks -lpthread: ${sflags}")
endif()
string(REPLACE "-lvtask" "-l:libvtask.a" sflags "${sflags}")
separate_arguments(sflags)
run(${CC} ${SAN} ${SRC}/install/consumer.c ${sflags} -o ${WORK}/pc_static)
foreach(exe pc_shared pc_static)
  run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${WORK}/${exe})
  if(NOT out STREQUAL "vtask consumer ok\n")
    message(FATAL_ERROR "${exe} printed '${out}'")
  endif()
endforeach()
# The static one must not need the shared library.
run(${CMAKE_COMMAND} -E env LD_LIBRARY_PATH= ${WORK}/pc_static)
message(STATUS "install test ok")
