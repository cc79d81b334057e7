eval .
