/* The smallest static Linux program with a C library: `true`. Built with
 * gcc -static (glibc) and musl-gcc -static; make bench times kvmrun running
 * it against the floor and against kvmrun's own apps/nop, which shows what
 * a C library's start-up costs on the guest kernel. */
int main(void)
{
	return 0;
}
