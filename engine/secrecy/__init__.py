"""Secret documents (văn bản mật, tối mật, tuyệt mật): what a ruleset allows the system to
keep of them, and the separate register (sổ theo dõi riêng)."""
