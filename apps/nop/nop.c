/* nop: the smallest app: start (the runtime checks start_info and starts
 * the device drivers, as for every app), do nothing, exit 0. `make bench`
 * times it from exec to exit against the floor (bench/floor.c). */
int main(void)
{
	return 0;
}
