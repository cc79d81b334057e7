// Simplification: the model's graph rebuilt after differentiation.
//
// Bindings are erased (they matter only while derivatives are taken), every node is
// rebuilt through the canonicalising constructors (so constants that met only
// through a binding fold now, and equal formulas merge), and nodes that no output
// or binding uses are dropped. A binding's name is kept as a hint for printers.
// No rewrite changes a finite result.
#pragma once

#include "compiler/sema/model.hpp"

namespace gradc {

ModelGraph simplify(const ModelGraph& model);

}  // namespace gradc
