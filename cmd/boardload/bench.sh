echo "bench: not yet"
