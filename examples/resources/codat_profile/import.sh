# There is one profile per Codat client: its id is "profile".
terraform import codat_profile.this profile
