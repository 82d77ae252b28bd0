"""Community models, one module per aggregate; each is re-exported here so Django finds them."""
