#pragma once
// Fixture of the layers_check_detects test: a tree with includes that run back up a layer.
#include "demo/traffic.h"
#include "store/statement.h"
