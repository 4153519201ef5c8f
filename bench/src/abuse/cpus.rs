//! Which CPUs the abuse run's processes may use. With `--isolate-attacker` the server and
//! the well-behaved client share CPU 0 and the attacker runs alone on the other CPUs, as
//! an attacker on another machine would: the client's rate then falls only by what the
//! attack costs the server, not by the CPU time the attacking program itself burns.

/// The CPUs `spec` names: `0`, `1-3`, `0,2`.
pub fn parse(spec: &str) -> Result<Vec<usize>, String> {
    let mut cpus = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let number = |s: &str| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("`{s}` in the CPU list `{spec}` is not a CPU number"))
        };
        match part.split_once('-') {
            Some((first, last)) => cpus.extend(number(first)?..=number(last)?),
            None => cpus.push(number(part)?),
        }
    }
    if cpus.is_empty() {
        return Err(format!("the CPU list `{spec}` names no CPU"));
    }
    Ok(cpus)
}

/// Restricts the calling thread, and every thread it starts afterwards, to `cpus`. Call it
/// before the async runtime starts its workers.
pub fn pin(cpus: &[usize]) -> std::io::Result<()> {
    // SAFETY: a zeroed cpu_set_t is the empty set; CPU_SET writes inside the set, whose
    // size is passed to sched_setaffinity with it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &cpu in cpus {
            if cpu >= libc::CPU_SETSIZE as usize {
                return Err(std::io::Error::other(format!("no CPU {cpu}")));
            }
            libc::CPU_SET(cpu, &mut set);
        }
        if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Pins this thread to the CPUs `spec` names (see [`parse`]), when given.
pub fn pin_spec(spec: Option<&str>) -> Result<(), String> {
    let Some(spec) = spec else {
        return Ok(());
    };
    pin(&parse(spec)?).map_err(|e| format!("pinning to CPUs {spec}: {e}"))
}

/// How many CPUs this process may run on.
pub fn available() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn lists_and_ranges() {
        assert_eq!(parse("0"), Ok(vec![0]));
        assert_eq!(parse("1-3"), Ok(vec![1, 2, 3]));
        assert_eq!(parse("0, 2"), Ok(vec![0, 2]));
        assert!(parse("").is_err());
        assert!(parse("x").is_err());
    }
}
