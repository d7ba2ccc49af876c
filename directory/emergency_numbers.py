"""The two numbers every notice may give: facts of law, never "not confirmed", never ranked.

112 is the European emergency number (ambulance, fire brigade, police: free, day and night, from
any phone); 101 is the Belgian police. They are notices only, not services of the directory.
This module imports nothing, so that the matcher and the pages can use it without the database.
"""

EMERGENCY_NUMBER = "112"
"""Urgent help: ambulance, fire brigade, police; free, day and night, from any phone."""
POLICE_NUMBER = "101"
"""The police."""

EMERGENCY_NUMBERS: tuple[str, ...] = (EMERGENCY_NUMBER, POLICE_NUMBER)
