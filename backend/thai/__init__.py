"""Thai conventions for user input and documents: IDs, dates, names, grades, ages, addresses."""
