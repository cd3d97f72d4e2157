"""Long work in the background: Excel imports and large exports as jobs with progress and a result."""
