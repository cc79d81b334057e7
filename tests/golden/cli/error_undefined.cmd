eval undefined_name.grad --set x=1
