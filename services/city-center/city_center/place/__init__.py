"""The register of service places (T3 "a registered place and hours"): township halls and
village rooms, kept by the city's administrator."""
