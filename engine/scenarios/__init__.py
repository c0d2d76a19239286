"""Process tests as data (kịch bản kiểm thử): scenario files in processes/<ruleset>/scenarios/
that a process admin writes, run against a ruleset version or a draft in a scratch database."""
