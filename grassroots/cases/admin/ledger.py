"""Admin for cases (with every act as a form), common problems, extensions and supervision records."""
