eval doubling_defs.grad --max-nodes 0
