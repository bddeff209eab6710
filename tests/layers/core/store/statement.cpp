// Fixture of the layers_check_detects test: a tree with includes that run back up a layer.
#include "util/text.h"

#include "sync/pipeline.h"

#include <QString>
