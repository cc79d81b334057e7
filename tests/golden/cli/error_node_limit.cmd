eval doubling_defs.grad --set x=1 --max-nodes 40
