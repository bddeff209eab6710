# Fails when an include in core/ runs back up a layer (the table: cmake/Layers.cmake; docs/ARCHITECTURE.md).
#
#   cmake [-DCORE_DIR=<dir>] [-DSTAMP=<file>] -P cmake/CheckLayers.cmake
#
# CORE_DIR: the tree to check (default: core/ beside this folder). STAMP: touched when the tree is clean (the
# build's check writes it, so it runs again only when a file of core/ changed). Every .h/.cpp must sit in a layer's
# folder; every #include "<folder>/..." (or <...>) that names a layer's folder must name its own layer or one
# before it in MDSYNC_LAYERS; the top layers (report, demo) are included by no other layer. Each violation is
# reported as file:line with the include and the rule, and the script exits non-zero.
cmake_minimum_required(VERSION 3.25)
cmake_policy(VERSION 3.25)

include(${CMAKE_CURRENT_LIST_DIR}/Layers.cmake)
if(NOT CORE_DIR)
    get_filename_component(CORE_DIR ${CMAKE_CURRENT_LIST_DIR}/../core ABSOLUTE)
endif()
get_filename_component(report_base ${CORE_DIR}/.. ABSOLUTE)

set(all_layers ${MDSYNC_LAYERS} ${MDSYNC_TOP_LAYERS})
list(JOIN all_layers ", " all_layers_text)
list(JOIN MDSYNC_TOP_LAYERS " and " top_text)
list(REMOVE_DUPLICATES all_layers)
list(LENGTH all_layers n_unique)
list(LENGTH MDSYNC_LAYERS n_layers)
list(LENGTH MDSYNC_TOP_LAYERS n_top)
math(EXPR n_listed "${n_layers} + ${n_top}")
if(NOT n_unique EQUAL n_listed)
    message(FATAL_ERROR "cmake/Layers.cmake: a layer is listed twice (${MDSYNC_LAYERS} | ${MDSYNC_TOP_LAYERS})")
endif()

# What each layer may include besides itself, as text for the messages.
set(below "")
foreach(layer IN LISTS MDSYNC_LAYERS)
    set(allowed_${layer} ${below})
    list(APPEND below ${layer})
endforeach()
foreach(layer IN LISTS MDSYNC_TOP_LAYERS)
    set(allowed_${layer} ${MDSYNC_LAYERS})
endforeach()

file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${CORE_DIR} ${CORE_DIR}/*.h ${CORE_DIR}/*.cpp)
list(SORT files)
set(problems "")
set(n_problems 0)
set(n_includes 0)
foreach(rel IN LISTS files)
    file(RELATIVE_PATH shown ${report_base} ${CORE_DIR}/${rel})
    string(REGEX MATCH "^[^/]+" layer "${rel}")
    if(NOT rel MATCHES "/" OR NOT layer IN_LIST all_layers)
        string(APPEND problems "${shown}:1: error: the file is in no layer: its folder is not in cmake/Layers.cmake "
            "(layers: ${all_layers_text})\n")
        math(EXPR n_problems "${n_problems} + 1")
        continue()
    endif()
    # One list element per line: characters that CMake lists treat specially ([ ] ; \) become '_' first, so the
    # element index is the line number.
    file(READ ${CORE_DIR}/${rel} content)
    string(REGEX REPLACE "[][;\\\\]" "_" content "${content}")
    string(REPLACE "\n" ";" lines "${content}")
    set(line_no 0)
    foreach(line IN LISTS lines)
        math(EXPR line_no "${line_no} + 1")
        if(NOT line MATCHES "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]+)[\">]")
            continue()
        endif()
        set(path "${CMAKE_MATCH_1}")
        if(NOT path MATCHES "^([^/]+)/")
            continue() # no folder: a file of the same folder
        endif()
        set(target_layer "${CMAKE_MATCH_1}")
        if(NOT target_layer IN_LIST all_layers OR target_layer STREQUAL layer)
            continue() # Qt, nlohmann/json, the system; or the file's own layer
        endif()
        math(EXPR n_includes "${n_includes} + 1")
        string(STRIP "${line}" shown_line)
        if(target_layer IN_LIST MDSYNC_TOP_LAYERS)
            string(APPEND problems "${shown}:${line_no}: error: ${shown_line}: layer '${layer}' includes the top "
                "layer '${target_layer}'; ${top_text} are included by no other layer of core/ "
                "(cmake/Layers.cmake)\n")
            math(EXPR n_problems "${n_problems} + 1")
        elseif(NOT target_layer IN_LIST allowed_${layer})
            list(JOIN allowed_${layer} ", " may)
            if(may STREQUAL "")
                set(may "nothing")
            endif()
            string(APPEND problems "${shown}:${line_no}: error: ${shown_line}: runs back up a layer: '${layer}' "
                "may include only ${may} (cmake/Layers.cmake), and '${target_layer}' is above it\n")
            math(EXPR n_problems "${n_problems} + 1")
        endif()
    endforeach()
endforeach()

list(LENGTH files n_files)
if(n_problems GREATER 0)
    # One unwrapped line per problem (FATAL_ERROR would re-flow them), then the failure.
    message(NOTICE "${problems}layer check: ${n_problems} problem(s) in ${n_files} files of ${CORE_DIR}")
    message(FATAL_ERROR "an include runs back up a layer (see above)")
endif()
message(STATUS "layer check: ${n_files} files, ${n_includes} includes across layers, none runs back up a layer")
if(STAMP)
    file(TOUCH ${STAMP})
endif()
