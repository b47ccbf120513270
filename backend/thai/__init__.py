"""Thai conventions for user input and documents: IDs, dates, phones, names, grades, ages, addresses."""
