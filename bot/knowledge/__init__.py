"""Knowledge: the files in knowledge/, their database copy, and the brain built from them."""
